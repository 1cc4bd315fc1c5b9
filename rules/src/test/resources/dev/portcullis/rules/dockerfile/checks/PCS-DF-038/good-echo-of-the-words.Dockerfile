FROM debian:12.5
RUN echo "never run curl -k or set PYTHONHTTPSVERIFY=0"
USER 10001
HEALTHCHECK CMD ["/app/health"]
