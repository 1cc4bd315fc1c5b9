FROM debian:12.5
RUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
