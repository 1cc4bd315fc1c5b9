FROM debian:12.5
RUN NPM_CONFIG_STRICT_SSL=false npm ci
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
