FROM debian:12.5
RUN apt-get update && apt-get -y dist-upgrade && rm -rf /var/lib/apt/lists/*
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
