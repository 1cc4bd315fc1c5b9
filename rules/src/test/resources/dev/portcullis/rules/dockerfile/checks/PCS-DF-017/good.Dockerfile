FROM debian:12.5
ARG VERSION=1.0
ARG TOKEN_URL=https://auth.example.com
USER 10001
HEALTHCHECK CMD ["/app/health"]
