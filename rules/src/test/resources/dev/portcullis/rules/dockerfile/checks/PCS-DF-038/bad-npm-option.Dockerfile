FROM debian:12.5
RUN npm ci --strict-ssl=false
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
