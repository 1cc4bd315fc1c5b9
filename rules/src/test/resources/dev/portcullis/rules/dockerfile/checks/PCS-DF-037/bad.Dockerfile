# syntax=docker/dockerfile:1-labs
FROM debian:12.5
RUN --security=insecure mount -t tmpfs none /mnt
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 3
