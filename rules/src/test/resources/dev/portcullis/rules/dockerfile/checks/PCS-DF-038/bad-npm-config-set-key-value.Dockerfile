FROM debian:12.5
RUN npm config set strict-ssl=false
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
