"""Model -> view models -> HTML through autoescaped Jinja templates that a site can override."""
