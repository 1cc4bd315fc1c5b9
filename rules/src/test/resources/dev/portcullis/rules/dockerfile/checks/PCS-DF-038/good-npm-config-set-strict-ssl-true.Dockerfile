FROM debian:12.5
RUN npm config set strict-ssl true
USER 10001
HEALTHCHECK CMD ["/app/health"]
