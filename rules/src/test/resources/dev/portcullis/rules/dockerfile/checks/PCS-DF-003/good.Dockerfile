FROM node:20.11.1-bookworm
USER 10001
HEALTHCHECK CMD ["/app/health"]
