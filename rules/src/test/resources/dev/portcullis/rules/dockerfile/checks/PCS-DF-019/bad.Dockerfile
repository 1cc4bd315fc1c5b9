FROM debian:12.5
USER 10001
CMD ["app"]
# expect line 1
