FROM debian:12.5
RUN dnf install -y --setopt=gpgcheck=1 app-1.0
USER 10001
HEALTHCHECK CMD ["/app/health"]
