FROM debian:12.5
RUN apt install -y curl
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
