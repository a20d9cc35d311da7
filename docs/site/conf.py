"""Sphinx configuration of the documentation site that `./noar docs` builds into .build/docs/html.

The pages come from antsibull-docs (the plugins' DOCUMENTATION, EXAMPLES and RETURN, the roles'
argument specs); this file only styles them. The build runs offline, so there is no intersphinx:
the few labels the pages borrow from Ansible's own documentation are resolved below to links.
"""

from docutils import nodes

project = "noar.docker"
copyright = "noar.docker maintainers"  # pylint: disable=redefined-builtin
title = "noar.docker"
html_short_title = "noar.docker"

extensions = ["sphinx_antsibull_ext"]
pygments_style = "ansible"
highlight_language = "YAML+Jinja"
html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
default_role = "any"
# The logo leads to the site's own index (the theme's default, '/', is nowhere when the site is a folder).
html_theme_options = {"documentation_home_url": "index.html", "show_extranav": False, "show_rtd_ethical_ads": False}

ANSIBLE_DOCS = "https://docs.ansible.com/ansible/latest/"
# Labels of Ansible's documentation that antsibull-docs' pages refer to, and where they live there.
EXTERNAL = {
    "common_return_values": "reference_appendices/common_return_values.html",
    "ansible_configuration_settings": "reference_appendices/config.html",
    "action_plugins": "plugins/action.html",
}
COLLECTION_PREFIX = "ansible_collections."


def external_page(target):
    """The page of Ansible's documentation for a label, or None when the label is not one of theirs."""
    if target in EXTERNAL:
        return ANSIBLE_DOCS + EXTERNAL[target]
    if target.startswith(COLLECTION_PREFIX) and not target.startswith(COLLECTION_PREFIX + "noar.docker."):
        namespace, name, plugin = target[len(COLLECTION_PREFIX) :].split(".", 2)
        return "{0}collections/{1}/{2}/{3}.html".format(ANSIBLE_DOCS, namespace, name, plugin)
    return None


def resolve_external(app, env, node, contnode):
    """A link for a label of Ansible's documentation; anything else stays unresolved (and fails the build)."""
    url = external_page(node.get("reftarget", ""))
    if url is None:
        return None
    return nodes.reference("", "", contnode, refuri=url, internal=False)


def setup(app):
    app.connect("missing-reference", resolve_external)
