FROM debian:12.5
MAINTAINER someone@example.com
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
