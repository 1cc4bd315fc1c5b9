FROM debian:12.5
ARG NPM_TOKEN
RUN echo build
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
