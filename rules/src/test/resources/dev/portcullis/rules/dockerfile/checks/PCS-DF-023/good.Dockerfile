FROM debian:12.5
LABEL org.opencontainers.image.authors=someone@example.com
USER 10001
HEALTHCHECK CMD ["/app/health"]
