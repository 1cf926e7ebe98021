"""What a person looks at: plots and trace files (written through bevsim.files)."""
