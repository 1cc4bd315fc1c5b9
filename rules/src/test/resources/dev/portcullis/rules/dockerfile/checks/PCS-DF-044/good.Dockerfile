FROM debian:12.5
RUN useradd -r -u 10001 app
USER 10001
HEALTHCHECK CMD ["/app/health"]
