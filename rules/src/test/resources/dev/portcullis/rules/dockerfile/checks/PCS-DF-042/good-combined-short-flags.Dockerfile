FROM debian:12.5
RUN apt-get -qy install --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*
USER 10001
HEALTHCHECK CMD ["/app/health"]
