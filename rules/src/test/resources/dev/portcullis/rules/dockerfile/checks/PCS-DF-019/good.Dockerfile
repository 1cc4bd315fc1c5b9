FROM debian:12.5 AS base
HEALTHCHECK CMD ["/app/health"]
FROM base
USER 10001
