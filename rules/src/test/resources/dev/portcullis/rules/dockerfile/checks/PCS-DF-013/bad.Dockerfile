FROM python:3.12.2-slim
RUN pip install flask==3.0.2
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
