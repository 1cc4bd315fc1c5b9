FROM debian:12.5
ENV NPM_CONFIG_STRICT_SSL=false
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
