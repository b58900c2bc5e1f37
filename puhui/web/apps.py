from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "puhui.web"
    label = "web"
