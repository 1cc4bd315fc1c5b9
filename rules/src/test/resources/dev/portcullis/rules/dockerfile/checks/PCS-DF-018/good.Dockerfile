FROM debian:12.5
COPY environment.txt config/ /app/
USER 10001
HEALTHCHECK CMD ["/app/health"]
