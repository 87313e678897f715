"""The script that makes the images in this folder from real runs."""
