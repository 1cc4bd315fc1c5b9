FROM debian:12.5
RUN echo "chpasswd is not used here"
USER 10001
HEALTHCHECK CMD ["/app/health"]
