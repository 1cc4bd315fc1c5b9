FROM debian:12.5
RUN apt-get install -y --allow-downgrades app=1.0
USER 10001
HEALTHCHECK CMD ["/app/health"]
