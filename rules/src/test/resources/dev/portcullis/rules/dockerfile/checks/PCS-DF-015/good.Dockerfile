FROM debian:12.5
RUN echo 'pseudo sudo' > /etc/motd
USER 10001
HEALTHCHECK CMD ["/app/health"]
