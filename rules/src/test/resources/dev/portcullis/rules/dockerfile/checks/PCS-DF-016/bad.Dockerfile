FROM debian:12.5
ENV APP_MODE=prod DB_PASSWORD=hunter2hunter2
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
