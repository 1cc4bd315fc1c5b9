FROM debian:12.5
RUN git -c http.sslVerify=false clone https://git.example.com/app.git /app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
