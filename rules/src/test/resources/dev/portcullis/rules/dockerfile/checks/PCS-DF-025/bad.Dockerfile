FROM debian:12.5
USER 10001
HEALTHCHECK CMD ["/app/health"]
ENTRYPOINT ["a"]
ENTRYPOINT ["b"]
# expect line 5
