from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "puhui.devtools"
    label = "devtools"
