FROM debian:12.5
ADD rootfs.tar.gz /
COPY app.conf /etc/app/
USER 10001
HEALTHCHECK CMD ["/app/health"]
