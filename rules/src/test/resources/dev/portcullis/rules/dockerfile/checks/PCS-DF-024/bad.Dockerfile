FROM debian:12.5
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["a"]
CMD ["b"]
# expect line 5
