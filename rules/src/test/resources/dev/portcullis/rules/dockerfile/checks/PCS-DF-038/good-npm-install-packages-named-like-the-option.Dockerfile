FROM debian:12.5
RUN npm install strict-ssl false
USER 10001
HEALTHCHECK CMD ["/app/health"]
