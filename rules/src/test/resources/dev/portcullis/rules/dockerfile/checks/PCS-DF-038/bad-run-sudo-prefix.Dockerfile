FROM debian:12.5
RUN sudo GIT_SSL_NO_VERIFY=1 git clone https://git.example.com/app.git /app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
