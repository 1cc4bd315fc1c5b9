FROM debian:12.5
RUN cd /usr/src/app && make
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
