FROM debian:12.5
USER root
RUN apt-get --version
USER app:app
HEALTHCHECK CMD ["/app/health"]
