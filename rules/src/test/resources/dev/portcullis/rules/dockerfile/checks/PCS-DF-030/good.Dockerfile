FROM debian:12.5
RUN apt-get update && apt-get install -y --no-install-recommends --only-upgrade openssl=3.0.13-1 && rm -rf /var/lib/apt/lists/*
USER 10001
HEALTHCHECK CMD ["/app/health"]
