FROM debian:12.5
EXPOSE 8080 22/tcp
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
