"""The bare Flask "hello world" that key pages are compared with."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
