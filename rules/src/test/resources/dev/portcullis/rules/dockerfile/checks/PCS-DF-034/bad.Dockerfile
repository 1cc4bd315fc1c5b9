FROM debian:12.5
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD /app/server --port 8080
# expect line 4
