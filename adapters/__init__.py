"""adapters of Pasarela, registered through the `pasarela` entry-point group."""
