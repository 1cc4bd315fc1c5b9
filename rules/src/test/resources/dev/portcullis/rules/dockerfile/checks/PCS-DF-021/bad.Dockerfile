FROM debian:12.5
RUN mkdir /data && chmod -R 777 /data
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
