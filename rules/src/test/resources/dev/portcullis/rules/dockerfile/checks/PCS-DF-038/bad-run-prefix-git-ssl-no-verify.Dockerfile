FROM debian:12.5
RUN GIT_SSL_NO_VERIFY=true git clone https://git.example.com/app.git /app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
