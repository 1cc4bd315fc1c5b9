FROM debian:12.5
EXPOSE 80 70000
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
