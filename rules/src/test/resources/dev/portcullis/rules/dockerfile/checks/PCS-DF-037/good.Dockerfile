# syntax=docker/dockerfile:1-labs
FROM debian:12.5
RUN --security=sandbox echo ok
USER 10001
HEALTHCHECK CMD ["/app/health"]
