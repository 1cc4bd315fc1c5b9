ARG TAG
FROM alpine$TAG
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
