ARG REGISTRY
FROM ${REGISTRY}/ubuntu:22.04
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
