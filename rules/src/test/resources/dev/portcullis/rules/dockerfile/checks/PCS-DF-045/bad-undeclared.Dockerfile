FROM ${BASE_IMAGE}
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 1
