FROM debian:12.5
WORKDIR /usr/src/app
RUN make
USER 10001
HEALTHCHECK CMD ["/app/health"]
