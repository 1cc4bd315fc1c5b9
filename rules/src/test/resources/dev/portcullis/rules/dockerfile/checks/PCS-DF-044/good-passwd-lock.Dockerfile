FROM debian:12.5
RUN passwd -l root
USER 10001
HEALTHCHECK CMD ["/app/health"]
