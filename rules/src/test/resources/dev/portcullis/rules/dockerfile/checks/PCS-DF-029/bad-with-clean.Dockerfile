FROM debian:12.5
RUN apt-get update && apt-get clean
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
