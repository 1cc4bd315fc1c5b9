FROM debian:12.5
RUN mkdir /data && chmod -R 750 /data && chmod u+w /data
USER 10001
HEALTHCHECK CMD ["/app/health"]
